"""ASGI middleware around the whole app (app.py installs it): what every HTTP request and
response gets, whichever part of the app answers."""

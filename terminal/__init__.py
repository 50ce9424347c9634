"""What manage.py's commands share: the help in Chinese (chinese), tables on standard output
aligned by display width (tables), and passwords read without echo or from automation (passwords)."""

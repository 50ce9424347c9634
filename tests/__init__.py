"""The test suite. Set here, before any module of the app is imported (tests/conftest.py imports
them), and inherited by every server and command a test starts: cheap password hashing, which
production refuses (services.accounts.passwords; tests/test_password_hashing.py)."""

import os

os.environ["JIANGUAN_TEST_PASSWORD_HASHING"] = "1"

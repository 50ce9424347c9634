"""The admin views; each a thin layer over services/."""

"""The demo city (Dalian), built from the reference data copied into data/."""

"""The fault-injection suite (issue 11): see run_faults.py."""

"""Clinicians and their time: slots, appointments, referrals and the second-opinion booking."""

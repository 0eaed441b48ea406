"""Every read the dashboard makes, one module per page or area. Each function runs a fixed
number of queries, whatever the data (tests/dashboard/test_query_counts.py holds the figures).

`appointments` is the only place the dashboard asks about booking (the referrals app).
"""

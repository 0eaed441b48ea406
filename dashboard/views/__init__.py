"""The staff dashboard's pages and actions, one module per area (urls.py names each view).

Thin: guard (access.staff_view), form, service, page. GET pages only read (and write their
audit row); every change is a POST with CSRF that redirects back on success, or re-renders
with field errors and status 400 on bad input.
"""

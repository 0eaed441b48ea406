"""Every email and SMS Stride sends, as a `Message` row sent by a thin Celery task."""

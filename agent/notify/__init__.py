"""Sending messages out of the product: email over SMTP (``email``) and signed webhooks (``webhook``).
Small and reusable: handoffs use them, and so can any other notice (a cancellation code by email)."""

"""The merchant's console under ``/admin`` of ``bcagent serve``, and the BigCommerce single-click app's
callbacks (``/auth``, ``/load``, ``/uninstall``, ``/remove_user``) that sign the merchant into it.

Server-rendered pages (Jinja2, autoescaped) with a little progressive JavaScript served from the package:
no build step, no CDN, and every page works without scripts inside the control panel's iframe.
"""

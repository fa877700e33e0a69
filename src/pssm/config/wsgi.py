"""WSGI entry point: ``gunicorn pssm.config.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pssm.config.settings")
application = get_wsgi_application()

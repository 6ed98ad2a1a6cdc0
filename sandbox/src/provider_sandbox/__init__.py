"""A small WAHA-compatible WhatsApp HTTP API emulator for development and tests.

``create_app(settings)`` builds the FastAPI app; ``main()`` serves it (port 8090).
"""

from provider_sandbox.version import __version__

__all__ = ["__version__"]

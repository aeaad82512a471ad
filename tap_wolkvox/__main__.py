"""`python -m tap_wolkvox`."""

from tap_wolkvox.tap import TapWolkvox

TapWolkvox.cli()

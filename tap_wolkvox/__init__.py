"""tap-wolkvox: a Singer tap for Wolkvox contact-center reports."""

"""tamis: a fine sieve for scraped web and news text."""

__version__ = "0.1.0"

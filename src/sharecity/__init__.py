"""ShareCity: a city's sharing and platform economy, market and hub talking through one exchange."""

__version__ = "0.1.0"

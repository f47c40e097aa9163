"""Dates on English pages: 7 Dec 2026, 15:30, in the city's time (Django's default is Dec. 7, 2026, 3:30 p.m.).
Chinese pages keep Django's zh_Hans formats: 2026年12月7日 15:30."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"

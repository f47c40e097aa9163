"""Occupational-injury cover of platform workers (新就业形态人员职业伤害保障): which orders the national pilot covers,
the platform's per-order contribution on each covered order, and the monthly report to the city."""

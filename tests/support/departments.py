"""Department codes of the demo city that the tests act for."""

DISTRICT = "SCJG-210202"  # 中山区市场监督管理局
CITY = "SCJG-210200"  # 大连市市场监督管理局

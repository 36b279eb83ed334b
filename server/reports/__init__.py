"""Printed reports laid out with reportlab: the stock-take's annual inventory report (biên bản kiểm kê)."""

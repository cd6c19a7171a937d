"""The inventory service: owns stock levels.

It reserves stock for every line of an OrderPlaced or for none (publishing one StockUpdated
per line: RESERVED, or INSUFFICIENT / NOT_RESERVED), ships the reservation on OrderConfirmed
and releases it on OrderRejected. It calls no other service.
"""

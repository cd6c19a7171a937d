"""The order service: owns orders and runs the order saga.

It keeps a local copy of users built only from UserCreated / UserUpdated (it never asks the
user service), accepts orders against that copy, publishes OrderPlaced, and settles each order
from the StockUpdated answers of the inventory service: OrderConfirmed when every line was
reserved, OrderRejected otherwise.

An order whose user is not in the local copy yet is *held* (status PENDING_USER): the user's
UserCreated may simply not have arrived (eventual consistency). When it arrives the order is
re-checked and placed; if it has not arrived within the hold bound (``ORDER_USER_WAIT_S``,
30 s by default) the order is rejected with reason UNKNOWN_USER.
"""

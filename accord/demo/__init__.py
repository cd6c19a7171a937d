"""``accord demo``: the reference e-commerce system end to end.

Starts the dev stack (Tansu + accord's registry), pushes the schemas, starts the User, Order
and Inventory services from ``services/`` as separate processes (each with its own SQLite
database), drives a scenario through their HTTP APIs, prints every event as a timeline while it
runs, and finally checks the three databases against each other. See :func:`run.run_demo`.
"""

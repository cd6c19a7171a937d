"""The user service: owns customer accounts and publishes UserCreated / UserUpdated.

It calls no other service. Its state changes and the events they imply commit in one local
transaction (the runtime's outbox), so an event is never lost between the database and Kafka.
"""

"""JSON Schema compatibility: Confluent's ``SchemaDiff`` model (open, closed and partially
open content models; STRICT and LENIENT policies)."""

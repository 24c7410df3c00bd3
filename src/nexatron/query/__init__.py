"""The query service: question -> plan -> SQL -> guard -> rows -> answer -> history."""

"""The MCP server: Nexatron's questions, structured queries and layer as tools for agents.

`tools.py` builds the server (official `mcp` SDK) over a `Backend` (`backend.py`: the REST API,
remote over HTTP or in this process); `mount.py` serves it at /mcp behind the API gateway;
`stdio.py` runs it on stdin/stdout for `nexatron mcp`.
"""

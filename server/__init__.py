"""The HTTP side: the Starlette app, its middleware, and the background billing task."""

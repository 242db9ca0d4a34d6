"""The runtime: the Application and its wiring (app), database calls from handlers (dbcall), who is
speaking and the allow-list (access), persistence, the polling inbox, the webhook server, scheduled jobs,
error handling, logging, and the process's ISBN lookup client (metadata)."""

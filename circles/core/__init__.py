"""Cross-cutting mechanisms that exist once and know no feature: database types, time, i18n,
permissions, mail outbox, Markdown, audit log, security headers and error pages."""

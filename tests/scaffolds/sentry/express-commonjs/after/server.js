'use strict';
require('./instrument');

const express = require('express');
const Sentry = require('@sentry/node');

const app = express();
app.use(express.json());

app.get('/health', (req, res) => res.json({ ok: true }));

// Reports what the routes throw to Sentry (before the app's own error handler).
Sentry.setupExpressErrorHandler(app);

app.use((err, req, res, next) => {
  console.error(err);
  res.status(500).json({ error: 'Internal server error' });
});

app.listen(process.env.PORT || 3000);

const express = require('express');
const { requireAuth } = require('./auth');
const app = express();
app.use(express.json());
app.get('/health', (req, res) => res.json({ ok: true }));
app.delete('/users/:id', requireAuth, async (req, res) => {
  res.status(204).end();
});
app.listen(3000);

const express = require('express');
const { load } = require('./store');
const app = express();
app.get('/health', (req, res) => res.json({ ok: true }));
app.get('/items', async (req, res) => {
  const items = await load();
  res.json(items);
});
app.listen(3000);

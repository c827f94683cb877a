const express = require('express');
const app = express();
app.use(express.json());
app.get('/health', (req, res) => res.json({ ok: true }));
app.delete('/users/:id', async (req, res) => {
  res.status(204).end();
});
app.listen(3000);

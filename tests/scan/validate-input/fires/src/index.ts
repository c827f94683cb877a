import express from 'express';
const app = express();
app.use(express.json());
app.post('/notes', async (req, res) => {
  const { title } = req.body;
  res.status(201).json({ title });
});
app.listen(3000);

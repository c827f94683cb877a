module.exports = process.env.PORT;

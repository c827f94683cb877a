exports.load = async () => [];

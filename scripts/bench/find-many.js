// The one rewrite the peers are timed on: `x.findMany()` with no argument
// gets `{ take: 100 }` (harden's paginate does this and much more).
module.exports = function transform(file, api) {
  const j = api.jscodeshift;
  return j(file.source)
    .find(j.CallExpression, { callee: { property: { name: "findMany" } } })
    .filter((p) => p.node.arguments.length === 0)
    .forEach((p) => {
      p.node.arguments.push(j.objectExpression([j.property("init", j.identifier("take"), j.literal(100))]));
    })
    .toSource();
};

//! Just enough of `schema.prisma` to know a model's fields and their types:
//! the evidence a request body's fields get their zod types from when they
//! are written to that model.

use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    /// The Prisma scalar (`String`, `Int`, …) or a model/enum name.
    pub ty: String,
    pub optional: bool,
    pub list: bool,
    /// `@id`, `@default(...)`, `@updatedAt`: the database fills it in.
    pub generated: bool,
    /// `@id`, `@updatedAt`, `@default(now()|autoincrement()|uuid()|cuid())`:
    /// not something a client should send.
    pub server_managed: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    /// By client accessor: `model BlogPost` → `blogPost`.
    pub models: HashMap<String, Vec<Field>>,
    /// Enum name → values.
    pub enums: HashMap<String, Vec<String>>,
}

/// The blocks of a schema (`model User { … }`): (kind, name, the lines
/// inside, trimmed, without comments and blank lines).
pub fn blocks(text: &str) -> Vec<(String, String, Vec<String>)> {
    let mut out = Vec::new();
    let mut block: Option<(String, String, Vec<String>)> = None;
    for raw in text.lines() {
        let line = raw.split("//").next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if let Some((_, _, lines)) = &mut block {
            if line.starts_with('}') {
                out.extend(block.take());
            } else {
                lines.push(line.to_string());
            }
            continue;
        }
        let mut words = line.split_whitespace();
        if let (Some(kind), Some(name)) = (words.next(), words.next()) {
            if line.ends_with('{')
                && ["model", "enum", "datasource", "generator", "view", "type"].contains(&kind)
            {
                block = Some((kind.to_string(), name.trim_end_matches('{').to_string(), Vec::new()));
            }
        }
    }
    out
}

impl Schema {
    pub fn parse(text: &str) -> Schema {
        let mut schema = Schema::default();
        for (kind, name, lines) in blocks(text) {
            match kind.as_str() {
                "model" => {
                    let fields = lines.iter().filter_map(|l| field(l)).collect();
                    schema.models.insert(accessor(&name), fields);
                }
                "enum" => {
                    let values = lines
                        .iter()
                        .filter_map(|l| l.split_whitespace().next())
                        .filter(|v| !v.starts_with('@'))
                        .map(String::from)
                        .collect();
                    schema.enums.insert(name, values);
                }
                _ => {}
            }
        }
        // Relation fields (types naming another model) are not scalars to validate.
        let models: Vec<String> = schema.models.keys().cloned().collect();
        let model_types: Vec<String> = models.iter().map(|m| upper_first(m)).collect();
        for fields in schema.models.values_mut() {
            fields.retain(|f| !model_types.contains(&f.ty));
        }
        schema
    }

    pub fn model(&self, accessor: &str) -> Option<&[Field]> {
        self.models.get(accessor).map(Vec::as_slice)
    }
}

fn field(line: &str) -> Option<Field> {
    if line.starts_with("@@") {
        return None;
    }
    let mut words = line.split_whitespace();
    let name = words.next()?.to_string();
    let raw_ty = words.next()?;
    let attributes: Vec<&str> = words.collect();
    let optional = raw_ty.ends_with('?');
    let list = raw_ty.ends_with("[]");
    let ty = raw_ty.trim_end_matches('?').trim_end_matches("[]").to_string();
    let generated = attributes
        .iter()
        .any(|a| a.starts_with("@id") || a.starts_with("@default") || a.starts_with("@updatedAt"));
    if attributes.iter().any(|a| a.starts_with("@relation")) {
        return None;
    }
    let server_managed = attributes.iter().any(|a| {
        a.starts_with("@id")
            || a.starts_with("@updatedAt")
            || ["now()", "autoincrement()", "uuid()", "cuid()", "dbgenerated("]
                .iter()
                .any(|f| a.starts_with(&format!("@default({f}")))
    });
    Some(Field { name, ty, optional, list, generated, server_managed })
}

fn accessor(model: &str) -> String {
    let mut chars = model.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_fields_and_enums() {
        let schema = Schema::parse(
            "generator client {\n  provider = \"prisma-client-js\"\n}\n\nenum Status {\n  pending\n  paid // settled\n}\n\nmodel Customer {\n  id        Int      @id @default(autoincrement())\n  email     String   @unique\n  city      String?\n  orders    Order[]\n}\n\nmodel Order {\n  id         Int      @id @default(autoincrement())\n  customer   Customer @relation(fields: [customerId], references: [id])\n  customerId Int\n  status     Status   @default(pending)\n  tags       String[]\n  @@index([customerId])\n}\n",
        );
        let order = schema.model("order").expect("order");
        let names: Vec<&str> = order.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["id", "customerId", "status", "tags"]);
        assert!(order[0].generated && order[2].generated && order[3].list);
        let customer = schema.model("customer").expect("customer");
        assert!(customer.iter().any(|f| f.name == "city" && f.optional));
        assert!(!customer.iter().any(|f| f.name == "orders"));
        assert_eq!(schema.enums["Status"], ["pending", "paid"]);
    }
}

import { a } from "./a";
test("a", () => expect(a).toBe(1));

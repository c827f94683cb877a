export default function App() {
  return <h1>Hi</h1>;
}

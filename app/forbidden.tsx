export default function Forbidden() {
  return (
    <section className="card problem">
      <h1>Not allowed</h1>
      <p>This page is for WebEx administrators. Your account is signed in but is not an administrator.</p>
      <p>If you need access, ask your IT help desk to add you to the administrators.</p>
      <a className="button secondary" href="/">
        Back to the portal
      </a>
    </section>
  );
}

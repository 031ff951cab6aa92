/** Sign out is a POST from a form button: no link preview, prefetch or other site signs anyone out. */
export function SignOutButton() {
  return (
    <form method="post" action="/auth/signout">
      <button type="submit" className="secondary">
        Sign out
      </button>
    </form>
  );
}

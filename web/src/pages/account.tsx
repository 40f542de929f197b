import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { ErrorMessage, Loading, useTitle } from '../components/bits.js';
import { focusOnArrival, navigate } from '../router.js';
import { useShop } from '../shop.js';

/** The service's minimum (API.md); checked here too so the shopper hears it before a round trip. */
export const MIN_PASSWORD_LENGTH = 10;

/** Only same-site paths may be a redirect target after sign-in. */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

function AuthForm({ mode, next }: { mode: 'login' | 'register'; next: string }) {
  const shop = useShop();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = (field: string) => `${mode}-${field}`;
  const title = mode === 'login' ? 'Sign in' : 'Create an account';

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (mode === 'register' && password.length < MIN_PASSWORD_LENGTH) {
      setError(`Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await shop.signIn(mode, email, password);
      shop.announce(`Signed in as ${email}.`);
      navigate(next, { replace: true });
    } catch (err) {
      // After registering, a 401 means the e-mail already had an account with another password.
      if (err instanceof ApiError && err.status === 401)
        setError(
          mode === 'register'
            ? 'Could not sign in with this email and password. If you already have an account, sign in with its password.'
            : 'Wrong email or password.',
        );
      else setError(err instanceof ApiError ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <form class="card auth-form" onSubmit={submit} aria-labelledby={id('title')}>
      <h2 id={id('title')}>{title}</h2>
      <label for={id('email')}>Email</label>
      <input id={id('email')} name="email" type="email" autoComplete="email" required maxLength={254} />
      <label for={id('password')}>Password</label>
      <input
        id={id('password')}
        name="password"
        type="password"
        autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
        required
        minLength={mode === 'register' ? MIN_PASSWORD_LENGTH : undefined}
        maxLength={200}
        aria-describedby={mode === 'register' ? id('hint') : undefined}
      />
      {mode === 'register' && (
        <p class="hint" id={id('hint')}>
          At least {MIN_PASSWORD_LENGTH} characters.
        </p>
      )}
      <ErrorMessage message={error} />
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Please wait…' : title}
      </button>
    </form>
  );
}

export function AccountPage({ next }: { next: string | null }) {
  const shop = useShop();
  useTitle(shop.user ? 'Your account' : 'Sign in');
  const [error, setError] = useState<string | null>(null);

  if (shop.user === undefined) return <Loading what="your account" />;
  if (shop.user) {
    const signOut = async (everywhere: boolean) => {
      try {
        await shop.signOut(everywhere);
        shop.announce(everywhere ? 'Signed out on every device.' : 'Signed out.');
        navigate('/');
      } catch (err) {
        setError(err instanceof ApiError ? err.message : String(err));
      }
    };
    return (
      <section aria-labelledby="account-title">
        <h1 id="account-title" tabIndex={-1} ref={focusOnArrival}>
          Your account
        </h1>
        <p>
          Signed in as <strong data-testid="account-email">{shop.user.email}</strong>.
        </p>
        <p>
          <a href="/orders">Your orders</a>
        </p>
        <ErrorMessage message={error} />
        <p class="account-actions">
          <button type="button" onClick={() => signOut(false)}>
            Sign out
          </button>
          <button type="button" onClick={() => signOut(true)}>
            Sign out on every device
          </button>
        </p>
      </section>
    );
  }
  const target = safeNext(next);
  return (
    <section aria-labelledby="account-title">
      <h1 id="account-title" tabIndex={-1} ref={focusOnArrival}>
        Sign in or create an account
      </h1>
      <div class="auth-forms">
        <AuthForm mode="login" next={target} />
        <AuthForm mode="register" next={target} />
      </div>
    </section>
  );
}

import { TOKEN_FIELD } from './access';

/**
 * The small page a browser gets with a 401 when it has no valid access token: a form that POSTs the token
 * (never in a URL, where history and proxy logs would keep it). Plain HTML with no script, so it works under the strictest CSP.
 */
export function signInPage(options: { action: string; invalid: boolean; nonce: string }): string {
  const notice = options.invalid
    ? '<p class="error" role="alert">That access token is not valid. Check it and try again.</p>'
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · pullfix</title>
<style nonce="${escapeHtml(options.nonce)}">
body{font-family:system-ui,sans-serif;background:#f8fafc;color:#0f172a;display:grid;place-items:center;min-height:100vh;margin:0}
main{background:#fff;border:1px solid #e2e8f0;border-radius:.5rem;padding:2rem;max-width:26rem}
h1{font-size:1.25rem;margin:0 0 .5rem}label{display:block;font-weight:600;margin:1rem 0 .25rem}
input{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #94a3b8;border-radius:.25rem;font:inherit}
button{margin-top:1rem;padding:.5rem 1rem;border:0;border-radius:.25rem;background:#0f172a;color:#fff;font:inherit;cursor:pointer}
.error{color:#b91c1c}
</style>
</head>
<body>
<main>
<h1>Sign in to pullfix</h1>
<p>This pullfix listens beyond this machine, so it asks for its access token. The token was printed when pullfix started, or is in its configuration.</p>
${notice}
<form method="post" action="${escapeHtml(options.action)}">
<label for="token">Access token</label>
<input id="token" name="${TOKEN_FIELD}" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

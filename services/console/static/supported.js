// The GOV.UK Frontend page template's check: components enhance the page only in browsers
// that run its modules; without JavaScript every page works as plain HTML.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');

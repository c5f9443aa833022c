// Enhances the components on the page (focus on the error summary, the skip link); every
// page works without it.
import { initAll } from '/assets/frontend/govuk-frontend.min.js'

initAll()

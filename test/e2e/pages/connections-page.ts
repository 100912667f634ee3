import { expect, type Locator, type Page } from '@playwright/test';
import { ConsentPage } from './consent-page';

export interface OAuthApp {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly baseUrl: string;
  readonly label: string;
}

/** The Connections screen and one connection's card, in the words a user would use for them. */
export class ConnectionsPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Connections' })
      .click();
  }

  async addKeap(label: string, baseUrl: string, apiKey: string): Promise<ConnectionCardPart> {
    await this.page.getByRole('button', { name: 'Add Keap account' }).first().click();
    const form = this.page.getByRole('form', { name: 'Add a Keap account' });
    await form.getByLabel('Keap API key').fill(apiKey);
    await form.getByLabel('API base URL').fill(baseUrl);
    await form.getByLabel('Name').fill(label);
    await form.getByRole('button', { name: 'Test and add' }).click();
    await expect(this.page.getByRole('status').filter({ hasText: `Added "${label}"` })).toBeVisible();
    return this.card(label);
  }

  /**
   * Fills the sign-in form with the person's developer app and continues: the consent page opens in a new tab
   * (the system browser, in the desktop app), which is answered.
   */
  async signInWithApp(crm: string, app: OAuthApp): Promise<ConsentPage> {
    const form = this.signInForm(crm);
    // After a failed try the form stays open for the next one.
    if (!(await form.isVisible()))
      await this.page
        .getByRole('button', { name: `Sign in to ${crm} with your app` })
        .first()
        .click();
    await form.getByLabel('Client ID').fill(app.clientId);
    await form.getByLabel('Client secret').fill(app.clientSecret);
    await form.getByLabel('Name').fill(app.label);
    await form.getByLabel('API base URL').fill(app.baseUrl);
    const opened = this.page.context().waitForEvent('page');
    await form.getByRole('button', { name: 'Continue in the browser' }).click();
    const consent = await opened;
    await consent.waitForLoadState();
    return new ConsentPage(consent);
  }

  signInForm(crm: string): Locator {
    return this.page.getByRole('form', { name: `Sign in to ${crm} with your app` });
  }

  /** The progress shown while the consent page is open, with its Cancel button. */
  signingIn(crm: string): Locator {
    return this.page.getByRole('group', { name: `Signing in to ${crm}` });
  }

  /** Starts a sandbox CRM of this kind from the screen (with its linked WordPress site). */
  async addSandbox(crm: string): Promise<void> {
    await this.page
      .getByRole('button', { name: `Add ${crm} sandbox` })
      .first()
      .click();
    await expect(this.notice.filter({ hasText: 'with its linked WordPress site' })).toBeVisible();
  }

  get notice(): Locator {
    return this.page.locator('.ok-note[role="status"]');
  }

  get error(): Locator {
    return this.page.getByRole('alert');
  }

  card(label: string): ConnectionCardPart {
    return new ConnectionCardPart(this.page.getByRole('listitem', { name: label }));
  }
}

export class ConnectionCardPart {
  constructor(readonly root: Locator) {}

  async test(): Promise<void> {
    await this.root.getByRole('button', { name: 'Test', exact: true }).click();
  }

  async cancelTest(): Promise<void> {
    await this.root.getByRole('button', { name: 'Cancel test' }).click();
  }

  async syncNow(): Promise<void> {
    await this.root.getByRole('button', { name: 'Sync now' }).click();
  }

  /** The "Last test" fact on the card: never, passed …, or failed. */
  get lastTest(): Locator {
    return this.root.locator('dt:text-is("Last test") + dd');
  }

  /** A fact of the card by its name: "Signed in", "Request budget", "Cached contacts"… */
  fact(name: string): Locator {
    return this.root.locator(`dt:text-is("${name}") + dd`);
  }

  get syncFinished(): Locator {
    return this.root.getByRole('status').filter({ hasText: 'Sync finished.' });
  }

  get testResult(): Locator {
    return this.root.getByRole('status').filter({ hasText: /Connection works|Test failed|Test cancelled/ });
  }

  get syncError(): Locator {
    return this.root.getByRole('alert');
  }
}

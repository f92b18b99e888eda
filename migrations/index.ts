// Every migration, in order. The apps load migrations from this list (so they are compiled
// with the app); a test checks it matches the files in this folder.
import { CreateApiClients1795247107299 } from './1795247107299-CreateApiClients';
import { CreateCredentialsAndAudit1795247760102 } from './1795247760102-CreateCredentialsAndAudit';
import { AddRefreshTokenLifetime1795248091979 } from './1795248091979-AddRefreshTokenLifetime';
import { CreateRefreshInstances1795248418976 } from './1795248418976-CreateRefreshInstances';
import { AddCredentialInterimToken1796283108855 } from './1796283108855-AddCredentialInterimToken';
import { CreateEventsAndWebhooks1796284068751 } from './1796284068751-CreateEventsAndWebhooks';
import { CreateIntegrations1796286230863 } from './1796286230863-CreateIntegrations';
import { NotifyCachedRowChanges1796290000000 } from './1796290000000-NotifyCachedRowChanges';
import { NotifyCredentialChangesByColumn1796300000000 } from './1796300000000-NotifyCredentialChangesByColumn';

export const migrations = [
  CreateApiClients1795247107299,
  CreateCredentialsAndAudit1795247760102,
  AddRefreshTokenLifetime1795248091979,
  CreateRefreshInstances1795248418976,
  AddCredentialInterimToken1796283108855,
  CreateEventsAndWebhooks1796284068751,
  CreateIntegrations1796286230863,
  NotifyCachedRowChanges1796290000000,
  NotifyCredentialChangesByColumn1796300000000,
];

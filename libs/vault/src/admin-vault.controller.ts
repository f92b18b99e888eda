import { clientActor } from '@keyhouse/audit';
import { type Caller, CurrentCaller, RequireScope } from '@keyhouse/common';
import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { VaultKeysResponse } from './dto/vault-keys.response';
import { type VaultKeysView, VaultKeysService } from './vault-keys.service';

@ApiTags('admin')
@ApiBearerAuth()
@RequireScope('admin')
@Controller('admin/vault')
export class AdminVaultController {
  constructor(private readonly keys: VaultKeysService) {}

  @Get('keys')
  @ApiOperation({
    summary: 'Each vault key id with how many credentials it wraps, and the active one',
  })
  @ApiOkResponse({ type: VaultKeysResponse })
  status(): Promise<VaultKeysView> {
    return this.keys.status();
  }

  @Post('rotate')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Re-wrap every data key to the active vault key, online; poll /admin/vault/keys',
  })
  @ApiAcceptedResponse({ type: VaultKeysResponse })
  rotate(@CurrentCaller() caller: Caller): Promise<VaultKeysView> {
    return this.keys.startRotation(clientActor(caller));
  }
}

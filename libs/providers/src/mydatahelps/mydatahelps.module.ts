import { Module } from '@nestjs/common';
import { ProviderCoreModule } from '../provider-core.module';
import { MyDataHelpsProvider } from './mydatahelps.provider';

@Module({
  imports: [ProviderCoreModule],
  providers: [MyDataHelpsProvider],
  exports: [MyDataHelpsProvider],
})
export class MyDataHelpsModule {}

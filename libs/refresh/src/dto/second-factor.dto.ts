import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class SecondFactorDto {
  @ApiProperty({ description: "The user's one-time code", example: '123456' })
  @IsString()
  @Length(1, 64)
  @Matches(/^[\x21-\x7e]+$/, { message: 'code must be 1–64 printable characters' })
  code!: string;
}

